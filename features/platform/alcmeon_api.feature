Feature: The Alcméon platform contract the connector relies on
  As the engineer who builds the connector, I rely on Alcméon's published API: signed real-time
  notifications, a catch-up log, authentication, rate limits and phone-number user ids.

  Background:
    Given an Alcméon environment that notifies our endpoint

  @API-01
  Scenario: Each event yields one notification signed with the application secret, with increasing ids
    When 3 customers write on "whatsapp"
    Then our endpoint receives 3 notifications
    And each notification is signed with the application secret over its path and body
    And the notification ids are unique and increasing

  @API-02
  Scenario: A client catches up on missed notifications, at most 10 actions at a time
    When 12 customers write on "facebook"
    Then reading the actions after 0 returns 10 actions
    And reading the actions after the last one returned gives the 2 others

  @API-03
  Scenario Outline: Every public endpoint needs Basic or OAuth2 client-credential authentication
    When a client calls the teams endpoint <how>
    Then the answer is <status>

    Examples:
      | how                                  | status |
      | with Basic authentication            | 200    |
      | with a fresh OAuth2 token            | 200    |
      | without credentials                  | 401    |
      | with a token obtained 61 minutes ago | 401    |
      | with a token obtained 59 minutes ago | 200    |

  @API-04
  Scenario: Past the rate limit the answer is 429 with the time to wait
    Given the environment allows 15 calls a minute
    When a client calls the teams endpoint 16 times
    Then the last answer is 429 with "rate_limited_until"

  @API-05
  Scenario Outline: WhatsApp and KakaoTalk user ids are phone numbers without "+"
    When the traffic generator plays 40 events
    Then every <channel> user id in the actions is a phone number without "+"

    Examples:
      | channel   |
      | whatsapp  |
      | kakaotalk |
