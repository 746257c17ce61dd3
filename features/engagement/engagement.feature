Feature: Engaging customers who gave consent, from a Case
  As a Salesforce agent, I send an individual WhatsApp or KakaoTalk message to a customer who agreed to
  be contacted, from the widget on a Case; when they answer, the Case becomes their conversation.

  Background:
    Given the "one-to-one" topology is running
    And the Salesforce agent of the "main" org has the "Alcmeon_Agent" permission set

  @ENG-04 @ENG-03 @API-05
  Scenario Outline: A consenting customer is engaged from a Case and the package fills in the sending details
    Given the brand has an approved <channel> template "order_ready" on "<account>"
    And Emma gives consent to be contacted on "<account>"
    And a Salesforce agent opens a Case for Emma with a <channel> engagement from "<account>" using the "order_ready" template in the "main" org
    When the agent sends the engagement from the widget
    Then the engagement is "Sent" with its sending details
    And Emma receives the template message

    Examples:
      | channel   | account         |
      | WhatsApp  | Brand WhatsApp  |
      | KakaoTalk | Brand KakaoTalk |

  @ENG-03
  Scenario: A customer who gave no consent cannot be engaged
    Given the brand has an approved WhatsApp template "order_ready" on "Brand WhatsApp"
    And a Salesforce agent opens a Case for Emma with a WhatsApp engagement from "Brand WhatsApp" using the "order_ready" template in the "main" org
    When the agent sends the engagement from the widget
    Then the send is refused with "no-consent"
    And the engagement is "Failed"

  @ENG-02
  Scenario: Only WhatsApp and KakaoTalk can carry an engagement
    Given a Salesforce agent opens a Case for Emma with a WhatsApp engagement from "Brand Facebook page" using the "order_ready" template in the "main" org
    When the agent sends the engagement from the widget
    Then the send is refused with "unsupported-channel"
    And the org refuses an engagement on the "Facebook" channel

  @ENG-05 @ENG-06
  Scenario: The customer's answer switches the Case to conversation mode, for good
    Given the brand has an approved WhatsApp template "order_ready" on "Brand WhatsApp"
    And Emma gives consent to be contacted on "Brand WhatsApp"
    And a Salesforce agent opens a Case for Emma with a WhatsApp engagement from "Brand WhatsApp" using the "order_ready" template in the "main" org
    And the agent sends the engagement from the widget
    And the widget on Emma's Case shows the engagement mode
    When Emma writes "Oui, je passe demain" on "Brand WhatsApp"
    Then the widget on Emma's Case shows the conversation mode
    When a Salesforce agent opens a new Case for Emma with a WhatsApp engagement from "Brand WhatsApp" using the "order_ready" template in the "main" org
    And the agent sends the engagement from the widget interrupting the ongoing conversation
    Then the engagement is "Sent"
    And the widget on Emma's Case shows the engagement mode

  @ENG-06
  Scenario: A Case linked to a conversation never goes back to engagement mode
    Given the brand has an approved WhatsApp template "order_ready" on "Brand WhatsApp"
    And Emma gives consent to be contacted on "Brand WhatsApp"
    And a Salesforce agent opens a Case for Emma with a WhatsApp engagement from "Brand WhatsApp" using the "order_ready" template in the "main" org
    And the agent sends the engagement from the widget
    And Emma writes "Oui" on "Brand WhatsApp"
    And the widget on Emma's Case shows the conversation mode
    When a second engagement is added to Emma's Case and sent from the widget
    Then the send is refused with "case-has-conversation"
    And the widget on Emma's Case shows the conversation mode

  @ENG-07
  Scenario: A customer in an ongoing conversation is engaged only if the agent chooses to interrupt it
    Given the brand has an approved WhatsApp template "order_ready" on "Brand WhatsApp"
    And Emma gives consent to be contacted on "Brand WhatsApp"
    And Emma writes "J'ai une question" on "Brand WhatsApp"
    And a Salesforce agent opens a Case for Emma with a WhatsApp engagement from "Brand WhatsApp" using the "order_ready" template in the "main" org
    When the agent sends the engagement from the widget
    Then the send is refused with "ongoing-conversation"
    When the agent sends the engagement from the widget interrupting the ongoing conversation
    Then the engagement is "Sent"
    And Emma's conversation is closed in Alcméon
