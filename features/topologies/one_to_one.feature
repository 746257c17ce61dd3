Feature: A day on one environment and one org
  The brand's Alcméon environment feeds one Salesforce org: support agents work in Alcméon, social
  agents in Salesforce, and the X account is not connected at all.

  @TOPO-01 @TOPO-05 @SYNC-09 @WIDGET-01 @MATCH-04
  Scenario: Several channels, both kinds of teams, replies from both sides, a match and closes
    Given the "one-to-one" topology is running
    And the Salesforce agent of the "main" org has the "Alcmeon_Agent" permission set
    And a Contact "Paul Durand" with e-mail "paul.durand@example.com" in the "main" org
    When Léa writes "Bonjour" on "Brand WhatsApp"
    And an Alcméon agent routes Léa's message to the "Salesforce agents" team
    And Paul writes "Hi there" on "Brand Facebook page"
    And an Alcméon agent routes Paul's message to the "Support" team
    And Minho writes "안녕하세요" on "Brand KakaoTalk"
    And an Alcméon agent routes Minho's message to the "Salesforce agents" team
    And Sam writes "Hey" on "Brand on X"
    And an Alcméon agent routes Sam's message to the "Salesforce agents" team
    Then Léa's conversation is synced to the "main" org
    And Minho's conversation is synced to the "main" org
    When the Salesforce agent answers "Bonjour Léa, je regarde" from the widget on Léa's conversation record
    Then Léa receives "Bonjour Léa, je regarde" on the channel
    When an Alcméon agent searches Salesforce for "paul.durand@example.com" from Paul's profile
    And an Alcméon agent binds the candidate "Paul Durand" to Paul
    And an Alcméon agent replies "Hello Paul" to Paul
    Then Paul's conversation record links the Contact "Paul Durand"
    When an Alcméon agent closes Minho's conversation
    And a Salesforce agent closes Léa's conversation record
    Then Minho's conversation record is "CLOSED"
    And Léa's conversation is closed in Alcméon
    And Sam's conversation is not synced to any org
    And the "main" org holds 3 conversation records
