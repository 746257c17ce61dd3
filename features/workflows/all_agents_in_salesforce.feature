Feature: A day when every agent replies from Salesforce
  Workflow "all-agents-reply-from-salesforce": every social message becomes a Case in a queue (the
  customer's automation), Omni-Channel hands the Cases to available agents, and agents link the Contact
  on a first conversation and answer from the widget on the Case.

  Background:
    Given the "wf-all-in-salesforce" topology is running
    And the Salesforce agent of the "service" org has the "Alcmeon_Agent" permission set
    And a Contact "Léa Martin" with e-mail "lea.martin@example.com" in the "service" org

  @WF-02 @WIDGET-02 @MATCH-01 @UPD-01
  Scenario: Cases arrive in the queue; the agent links the Contact, answers from the Case and closes
    When Léa writes "Bonjour, ma carte ne marche plus" on "Brand WhatsApp"
    Then Léa's conversation arrives as a Case in the "Social_Cases" queue
    When a Salesforce agent links Léa's conversation record to the Contact "Léa Martin"
    Then Léa's Case links the Contact "Léa Martin"
    And Léa is matched to the Contact "Léa Martin" in Alcméon
    When the Salesforce agent answers "Nous la remplaçons" from the widget on Léa's Case
    Then Léa receives "Nous la remplaçons" on the channel
    When Marc writes "Question sur ma facture" on "Brand Facebook page"
    Then Marc's conversation arrives as a Case in the "Social_Cases" queue
    When the Salesforce agent closes the conversation with "Merci, bonne journée" from the widget on Léa's Case
    Then Léa's conversation is closed in Alcméon
    And Léa's conversation record is "CLOSED"
    And the "service" org holds 2 conversation records

  @WF-03 @WF-02
  Scenario: Omni-Channel hands queued Cases to the available agent, up to their capacity
    Given the Salesforce agent of the "service" org is a member of the "Social_Cases" queue
    And Léa writes "Bonjour" on "Brand WhatsApp"
    And Léa's conversation arrives as a Case in the "Social_Cases" queue
    And Marc writes "Bonsoir" on "Brand Facebook page"
    And Marc's conversation arrives as a Case in the "Social_Cases" queue
    And Minho writes "안녕하세요" on "Brand KakaoTalk"
    And Minho's conversation arrives as a Case in the "Social_Cases" queue
    When the Salesforce agent of the "service" org is "Available" in Omni-Channel
    Then Léa's Case is assigned to the Salesforce agent of the "service" org
    And Marc's Case is assigned to the Salesforce agent of the "service" org
    And Minho's Case waits in the "Social_Cases" queue
    When the Salesforce agent closes Léa's Case
    Then Minho's Case is assigned to the Salesforce agent of the "service" org
