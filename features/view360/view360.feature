Feature: A 360° view of the customer on both sides
  As an agent, I want to see what Salesforce knows of a matched customer from Alcméon, and the social
  conversations of a Contact from Salesforce.

  Background:
    Given the "one-to-one" topology is running
    And a Contact "Léa Martin" with e-mail "lea.martin@example.com" in the "main" org
    And the Contact "Léa Martin" has a task "Call back about the refund" and an event "Store visit"

  @V360-01
  Scenario: The profile of a matched customer lists the Contact's tasks and events
    Given Léa writes "Bonjour" on "Brand WhatsApp"
    And an Alcméon agent matches Léa to the Contact "Léa Martin"
    When an Alcméon agent opens Léa's Salesforce activities
    Then the activities list the task "Call back about the refund" and the event "Store visit"

  @V360-01
  Scenario: An unmatched customer has no Salesforce activities to show
    Given Hugo writes "Hello" on "Brand WhatsApp"
    When an Alcméon agent opens Hugo's Salesforce activities
    Then the activities are empty

  @V360-02
  Scenario: A Contact's related list shows the conversations of the matched customer
    Given Léa writes "Bonjour" on "Brand WhatsApp"
    And an Alcméon agent matches Léa to the Contact "Léa Martin"
    When an Alcméon agent replies "Bonjour Léa" to Léa
    Then Léa's conversation record links the Contact "Léa Martin"
    And the Contact "Léa Martin" lists 1 conversation in its related list
