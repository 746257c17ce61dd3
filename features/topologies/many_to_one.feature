Feature: A day on two brands' environments sharing one org
  Two Alcméon environments (France and Korea) share one org in person-account mode; each environment's
  team uses its own queue, and each conversation goes back to the environment it came from.

  @TOPO-03 @MATCH-06 @UPD-02
  Scenario: Each environment uses its queue and changes in the org go back to the right environment
    Given the "many-to-one" topology is running
    And a person account "Kim Minji" with e-mail "minji@example.com" in the "shared" org
    When Léa writes "Bonjour" on "Marque WhatsApp"
    And an Alcméon agent routes Léa's message to the "Salesforce agents" team
    And Kim writes "안녕하세요" on "Brand KakaoTalk" with KakaoTalk app user id "kakao-7"
    And an Alcméon agent matches Kim to the person account "Kim Minji"
    And an Alcméon agent routes Kim's message to the "Salesforce agents" team
    Then Léa's conversation record is owned by the "FR_Social" queue
    And Kim's conversation record is owned by the "KR_Social" queue
    And Kim's conversation record links the person account "Kim Minji" and no Contact
    And Kim's conversation record carries "kakao-7" in its channel data
    When a Salesforce agent closes Kim's conversation record
    Then Kim's conversation is closed in Alcméon
    And Léa's conversation is still open in Alcméon
    When a Salesforce agent links Léa's conversation record to the person account "Kim Minji"
    Then Léa is matched to the person account "Kim Minji" in Alcméon
