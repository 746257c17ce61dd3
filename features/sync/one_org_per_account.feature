Feature: A social account belongs to one org
  As an Alcméon administrator with a sandbox and a production org, I cannot link one social account to
  both: its conversations go to exactly one org.

  @SYNC-09 @TOPO-02
  Scenario: An account already linked to one org cannot be linked to a second org
    Given the "one-to-many" topology is running
    When the administrator links "Brand WhatsApp" to the "sandbox" org
    Then the link is refused because the account is already linked
    When Léa writes "Hola" on "Brand WhatsApp"
    And an Alcméon agent routes Léa's message to the "Salesforce agents" team
    Then Léa's conversation is synced to the "production" org
    And the "sandbox" org holds 0 conversation records
