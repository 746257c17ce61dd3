Feature: Connecting Alcméon environments and Salesforce orgs in every supported topology
  As the architect of a multi-brand, multi-org set-up, I map Alcméon teams to Salesforce queues and
  social accounts to orgs, and every conversation lands in the right org and goes back to the
  environment it came from.

  @TOPO-01 @TOPO-02 @TOPO-03 @TOPO-04 @SYNC-02
  Scenario Outline: A conversation routed to a Salesforce team lands in the org and queue of that team
    Given the "<topology>" topology is running
    When Léa writes "Hello" on "<account>"
    And an Alcméon agent routes Léa's message to the "<team>" team
    Then Léa's conversation is synced to the "<org>" org with status "OPEN"
    And Léa's conversation record is owned by the "<queue>" queue

    Examples:
      | topology     | account                | team              | org        | queue         |
      | one-to-one   | Brand WhatsApp         | Salesforce agents | main       | Social_Queue  |
      | one-to-many  | Brand WhatsApp staging | Staging agents    | sandbox    | Staging_Queue |
      | one-to-many  | Brand Facebook page    | Salesforce agents | production | Social_Queue  |
      | many-to-one  | Brand KakaoTalk        | Salesforce agents | shared     | KR_Social     |
      | many-to-many | EU Instagram           | Sales             | sales      | EU_Sales      |
