Feature: A day when every agent replies from Alcméon
  Workflow "all-agents-reply-from-alcméon": the social care teams work in Alcméon all day; Salesforce
  keeps a record of the conversations with customers the agents recognised.

  @WF-01 @SYNC-03 @SYNC-04 @MATCH-03 @MATCH-04
  Scenario: Social care handles WhatsApp, Instagram and X in Alcméon; Salesforce keeps the matched ones
    Given the "wf-all-in-alcmeon" topology is running
    And a Contact "Paul Durand" with e-mail "paul.durand@example.com" in the "crm" org
    When Léa writes "Bonjour, vous livrez à Lyon ?" on "Brand WhatsApp"
    Then Léa's conversation is in the "Social care" team in Alcméon
    When an Alcméon agent replies "Oui, en 48 h" to Léa
    Then Léa receives "Oui, en 48 h" on the channel
    When Paul writes "My order never arrived" on "Brand Instagram"
    And an Alcméon agent searches Salesforce for "paul.durand@example.com" from Paul's profile
    And an Alcméon agent binds the candidate "Paul Durand" to Paul
    And an Alcméon agent replies "Sorry Paul, we resend it today" to Paul
    Then Paul's conversation is synced to the "crm" org with status "OPEN"
    And Paul's conversation record links the Contact "Paul Durand"
    When Sam writes "Any discount this week?" on "Brand on X"
    And an Alcméon agent routes Sam's message to the "VIP care" team
    And an Alcméon agent replies "Yes, 10% with code VIP" to Sam
    Then Sam's conversation is in the "VIP care" team in Alcméon
    When Paul writes "Thanks, received!" on "Brand Instagram"
    And an Alcméon agent closes Paul's conversation
    Then Paul's conversation record is "CLOSED"
    And Léa's conversation is not synced to any org
    And Sam's conversation is not synced to any org
    And the "crm" org holds 1 conversation record
    And the "crm" org has no Case
