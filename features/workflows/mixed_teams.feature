Feature: A day when some teams reply from Alcméon and others from Salesforce
  Workflow "agents-reply-from-alcmeon-and-salesforce": X and WhatsApp are handled in Alcméon, Facebook
  and Instagram in Salesforce; conversations move between the two when a case needs the other team.

  @WF-04 @TOPO-05 @TOPO-06 @UPD-02 @WIDGET-02
  Scenario: Channels split between the teams, with transfers both ways
    Given the "wf-mixed" topology is running
    And the Salesforce agent of the "service" org has the "Alcmeon_Agent" permission set
    When Sam writes "Your app crashes on login" on "Brand on X"
    Then Sam's conversation is in the "Alcméon agents" team in Alcméon
    When an Alcméon agent replies "We are on it" to Sam
    Then Sam receives "We are on it" on the channel
    When Marc writes "Mon colis est abîmé" on "Brand Facebook page"
    Then Marc's conversation arrives as a Case in the "Social_Queue" queue
    When the Salesforce agent answers "Nous vous le remplaçons" from the widget on Marc's Case
    Then Marc receives "Nous vous le remplaçons" on the channel
    When Léa writes "Je veux un remboursement" on "Brand WhatsApp"
    And an Alcméon agent routes Léa's message to the "Salesforce agents" team
    Then Léa's conversation arrives as a Case in the "Social_Queue" queue
    When a Salesforce agent moves Marc's Case to the "Escalations" queue
    Then Marc's conversation is in the "Escalations" team in Alcméon
    When an Alcméon agent closes Sam's conversation
    And the Salesforce agent closes the conversation with "Remboursement effectué" from the widget on Léa's Case
    Then Léa's conversation record is "CLOSED"
    And Sam's conversation is not synced to any org
    And the "service" org holds 2 conversation records
