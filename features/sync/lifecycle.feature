Feature: A conversation's life in Alcméon is mirrored on its record
  As a Salesforce agent, I want the record to say when a conversation is over, and a customer who comes
  back later to start a new conversation with a record of its own.

  Background:
    Given the "one-to-one" topology is running
    And Léa writes "Bonjour" on "Brand WhatsApp"
    And an Alcméon agent routes Léa's message to the "Salesforce agents" team

  @SYNC-06
  Scenario: Closing the conversation in Alcméon closes the record
    When an Alcméon agent closes Léa's conversation
    Then Léa's conversation record is "CLOSED"

  @SYNC-07
  Scenario: A message after a manual close starts a new conversation and a new record
    Given Léa's conversation is synced to the "main" org
    And an Alcméon agent closes Léa's conversation
    When Léa writes again
    And an Alcméon agent routes Léa's message to the "Salesforce agents" team
    Then Léa's new message starts a new conversation
    And Léa's conversation is synced to the "main" org with status "OPEN"
    And the "main" org holds 2 conversation records

  @SYNC-07
  Scenario Outline: A message after the channel's silence window starts a new conversation
    Given Tom writes "Hello" on "<account>"
    And an Alcméon agent routes Tom's message to the "Salesforce agents" team
    And Tom's conversation is synced to the "main" org
    When Tom writes again after <hours> hours of silence
    Then Tom's new message starts a new conversation

    Examples:
      | account             | hours |
      | Brand WhatsApp      | 97    |
      | Brand Facebook page | 121   |

  @SYNC-07
  Scenario: A message inside the silence window continues the conversation
    Given Tom writes "Hello" on "Brand Facebook page"
    When Tom writes again after 100 hours of silence
    Then Tom's new message continues the same conversation

  @SYNC-05
  Scenario: A customer's first push brings the earlier conversations along, closed
    Given Chloé writes "Première question" on "Brand WhatsApp"
    When Chloé writes again after 97 hours of silence
    And an Alcméon agent routes Chloé's message to the "Salesforce agents" team
    Then Chloé has 2 conversation records in the "main" org, only the latest "OPEN"
