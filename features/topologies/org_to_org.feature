Feature: A day when conversations move from one org to another
  The retail org and the wholesale org share one Alcméon environment. Retail agents answer from
  Salesforce, support agents from Alcméon; an agent of the retail org moves a conversation to a queue
  that the connector is configured to push to the wholesale org, and it arrives there.

  Background:
    Given the "two-orgs-transfer" topology is running
    And the connector pushes the "To_Wholesale" queue of the "retail" org to the "Wholesale agents" team
    And the Salesforce agent of the "retail" org has the "Alcmeon_Agent" permission set

  @TOPO-07 @TOPO-06 @TOPO-05 @UPD-02 @WIDGET-01
  Scenario: Retail answers, support answers, and a bulk order is handed over to wholesale
    When Léa writes "Je voudrais commander 500 pièces" on "Brand WhatsApp"
    Then Léa's conversation is in the "Retail agents" team in Alcméon
    And Léa's conversation is synced to the "retail" org
    When Paul writes "Where is my parcel?" on "Brand Facebook page"
    And an Alcméon agent routes Paul's message to the "Support" team
    And an Alcméon agent replies "It left the warehouse today" to Paul
    Then Paul receives "It left the warehouse today" on the channel
    When the Salesforce agent answers "Je transmets à notre service grossiste" from the widget on Léa's conversation record
    Then the widget accepted the answer
    And Léa receives "Je transmets à notre service grossiste" on the channel
    When a Salesforce agent assigns Léa's conversation record to the "To_Wholesale" queue
    Then Léa's conversation is in the "Wholesale agents" team in Alcméon
    And Léa's conversation is synced to the "wholesale" org
    And Léa's conversation record is owned by the "Wholesale_Queue" queue
    And Paul's conversation is not synced to any org
    And the "wholesale" org holds 1 conversation record

  # Found by this suite: the retail org's Contact id once went into the wholesale org's record, which refused
  # it; a Contact now goes only to the org the customer's social account is linked to.
  @TOPO-07 @MATCH-01
  Scenario: A customer matched in the first org is handed over to the second org
    Given a Contact "Léa Martin" with e-mail "lea.martin@example.com" in the "retail" org
    And Léa writes "Je voudrais commander 500 pièces" on "Brand WhatsApp"
    And Léa's conversation is synced to the "retail" org
    When a Salesforce agent links Léa's conversation record to the Contact "Léa Martin"
    And Léa is matched to the Contact "Léa Martin" in Alcméon
    And time moves on until every notification is delivered
    And a Salesforce agent assigns Léa's conversation record to the "To_Wholesale" queue
    Then Léa's conversation is in the "Wholesale agents" team in Alcméon
    And Léa's conversation is synced to the "wholesale" org
