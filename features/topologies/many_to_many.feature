Feature: A day on several environments and several orgs
  The EU environment feeds the service org and the sales org by team; the APAC environment feeds the
  service org in team-based mode only.

  @TOPO-04 @SYNC-04
  Scenario: Each environment's teams feed their own orgs, each org its own mode
    Given the "many-to-many" topology is running
    And a Contact "Lee Jun" with e-mail "jun@example.com" in the "service" org
    When Léa writes "Hola" on "EU WhatsApp"
    And an Alcméon agent routes Léa's message to the "Salesforce agents" team
    And Marco writes "Ciao, avete la taglia M?" on "EU Instagram"
    And an Alcméon agent routes Marco's message to the "Sales" team
    And Minho writes "배송 문의" on "APAC KakaoTalk"
    And an Alcméon agent routes Minho's message to the "Salesforce agents" team
    And Jun writes "환불 요청" on "APAC KakaoTalk"
    And an Alcméon agent matches Jun to the Contact "Lee Jun"
    And an Alcméon agent replies "확인하겠습니다" to Jun
    Then Léa's conversation is synced to the "service" org
    And Minho's conversation is synced to the "service" org
    And Marco's conversation is synced to the "sales" org
    And Jun's conversation is not synced to any org
    And Léa's conversation arrives as a Case in the "EU_Service" queue
    And the "sales" org holds 1 conversation record
    And the "sales" org has no Case
