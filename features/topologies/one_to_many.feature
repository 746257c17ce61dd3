Feature: A day on one environment feeding a sandbox org and a production org
  The standard set-up: a sandbox org on the staging WhatsApp account for pre-production tests, and the
  production org on the production accounts; each team maps to one org.

  @TOPO-02 @SYNC-09 @PKG-05
  Scenario: Staging traffic stays in the sandbox, production traffic in production
    Given the "one-to-many" topology is running
    When Tess writes "Test message, please ignore" on "Brand WhatsApp staging"
    And an Alcméon agent routes Tess's message to the "Staging agents" team
    And Léa writes "Bonjour" on "Brand WhatsApp"
    And an Alcméon agent routes Léa's message to the "Salesforce agents" team
    And Marc writes "Bonsoir" on "Brand Facebook page"
    And an Alcméon agent routes Marc's message to the "Support" team
    And an Alcméon agent replies "Bonsoir Marc" to Marc
    Then Tess's conversation is synced to the "sandbox" org
    And Léa's conversation is synced to the "production" org
    And Léa's conversation arrives as a Case in the "Social_Queue" queue
    And Marc's conversation is not synced to any org
    And the "sandbox" org holds 1 conversation record
    And the "sandbox" org has no Case
    When an Alcméon agent closes Léa's conversation
    Then Léa's conversation record is "CLOSED"
    And the "production" org holds 1 conversation record
