Feature: Handing a conversation from one org to another
  An agent of the retail org moves a conversation to a queue that the connector is configured to push
  to the wholesale org; the conversation arrives there, in the wholesale team's queue.

  @TOPO-07 @TOPO-06 @UPD-02
  Scenario: An agent moves a conversation to a queue configured to push it to a second org
    Given the "two-orgs-transfer" topology is running
    And the connector pushes the "To_Wholesale" queue of the "retail" org to the "Wholesale agents" team
    When Léa writes "Je voudrais commander 500 pièces" on "Brand WhatsApp"
    Then Léa's conversation is synced to the "retail" org
    When a Salesforce agent assigns Léa's conversation record to the "To_Wholesale" queue
    Then Léa's conversation is in the "Wholesale agents" team in Alcméon
    And Léa's conversation is synced to the "wholesale" org
    And Léa's conversation record is owned by the "Wholesale_Queue" queue
