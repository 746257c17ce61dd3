Feature: Eligible social conversations become conversation records in Salesforce
  As a support manager, I want every social conversation my Salesforce teams handle, and every one an
  agent answered after recognising the customer, to show up in Salesforce as one conversation record,
  while the others stay in Alcméon.

  Background:
    Given the "one-to-one" topology is running

  @SYNC-01 @SYNC-02 @TOPO-05
  Scenario: A message routed to a team mapped to Salesforce becomes one record owned by the team's queue
    Given Léa writes "Bonjour, ma commande n'est pas arrivée" on "Brand WhatsApp"
    When an Alcméon agent routes Léa's message to the "Salesforce agents" team
    Then Léa's conversation is synced to the "main" org with status "OPEN"
    And Léa's conversation record is owned by the "Social_Queue" queue

  @SYNC-01
  Scenario: Later messages update the same record instead of creating another one
    Given Léa writes "Bonjour" on "Brand WhatsApp"
    And an Alcméon agent routes Léa's message to the "Salesforce agents" team
    And Léa's conversation is synced to the "main" org
    When Léa writes again
    Then Léa's new message continues the same conversation
    And the "main" org holds 1 conversation record

  @SYNC-03
  Scenario: An agent who matched the customer to a Contact and replied pushes the conversation
    Given a Contact "Paul Durand" with e-mail "paul.durand@example.com" in the "main" org
    And Paul writes "Hi, I need help with my invoice" on "Brand Facebook page"
    When an Alcméon agent matches Paul to the Contact "Paul Durand"
    And an Alcméon agent replies "Sure, let me check" to Paul
    Then Paul's conversation is synced to the "main" org with status "OPEN"
    And Paul's conversation record links the Contact "Paul Durand"

  @SYNC-04 @TOPO-05
  Scenario: A conversation handled by a team working in Alcméon, answered without a match, stays in Alcméon
    Given Hugo writes "Is the shop open on Sunday?" on "Brand WhatsApp"
    When an Alcméon agent routes Hugo's message to the "Support" team
    And an Alcméon agent replies "Yes, from 10am" to Hugo
    Then Hugo's conversation is not synced to any org

  @SYNC-04
  Scenario: A match alone, without a reply, pushes nothing
    Given a Contact "Nina Roux" with e-mail "nina@example.com" in the "main" org
    And Nina writes "Hello" on "Brand Facebook page"
    When an Alcméon agent matches Nina to the Contact "Nina Roux"
    Then Nina's conversation is not synced to any org

  @SYNC-08
  Scenario: KakaoTalk user data travels with the record when the package has the field
    Given Minho writes "안녕하세요" on "Brand KakaoTalk" with KakaoTalk app user id "kakao-42"
    When an Alcméon agent routes Minho's message to the "Salesforce agents" team
    Then Minho's conversation is synced to the "main" org
    And Minho's conversation record carries "kakao-42" in its channel data

  @SYNC-01 @SYNC-02
  Scenario Outline: A routed conversation syncs the same way on every linked channel
    Given <customer> writes "<text>" on "<account>"
    When an Alcméon agent routes <customer>'s message to the "Salesforce agents" team
    Then <customer>'s conversation is synced to the "main" org with status "OPEN"
    And the "main" org holds 1 conversation record

    Examples:
      | customer | account             | text                    |
      | Carla    | Brand WhatsApp      | Hola, necesito ayuda    |
      | Marc     | Brand Facebook page | Mon colis est en retard |
      | Jiwoo    | Brand KakaoTalk     | 배송 문의드립니다            |
