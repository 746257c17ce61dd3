Feature: Matching a social user to a Contact from Salesforce
  As a Salesforce agent, I link a conversation to the right Contact once, and every conversation of that
  customer, before and after, is linked to the same Contact.

  Background:
    Given the "one-to-one" topology is running
    And a Contact "Léa Martin" with e-mail "lea.martin@example.com" in the "main" org

  @MATCH-01
  Scenario: Future conversations of a matched customer are linked to the Contact
    Given Léa writes "Bonjour" on "Brand WhatsApp"
    And an Alcméon agent routes Léa's message to the "Salesforce agents" team
    When a Salesforce agent links Léa's conversation record to the Contact "Léa Martin"
    And Léa is matched to the Contact "Léa Martin" in Alcméon
    And an Alcméon agent closes Léa's conversation
    And Léa writes again
    And an Alcméon agent routes Léa's message to the "Salesforce agents" team
    Then Léa's new message starts a new conversation
    And Léa's conversation record links the Contact "Léa Martin"

  @MATCH-02 @SYNC-05
  Scenario: A match links every earlier conversation of the customer to the Contact
    Given Léa writes "Première question" on "Brand WhatsApp"
    And an Alcméon agent routes Léa's message to the "Salesforce agents" team
    And Léa's conversation is synced to the "main" org
    And an Alcméon agent closes Léa's conversation
    And Léa writes again
    And an Alcméon agent routes Léa's message to the "Salesforce agents" team
    And Léa's conversation is synced to the "main" org
    When a Salesforce agent links Léa's conversation record to the Contact "Léa Martin"
    Then every conversation record of Léa links the Contact "Léa Martin"
    And the Contact "Léa Martin" lists 2 conversations in its related list
