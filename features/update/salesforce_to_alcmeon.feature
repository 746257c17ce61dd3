Feature: What Salesforce agents do reaches Alcméon
  As a Salesforce agent, when I link a conversation to a customer or hand it to another team, Alcméon
  hears of it at once.

  @UPD-01 @MATCH-01
  Scenario Outline: Linking the customer on a conversation record notifies Alcméon
    Given the "<topology>" topology is running
    And a <kind> "Ana Silva" with e-mail "ana@example.com" in the "<org>" org
    And Ana writes "Olá" on "<account>"
    And an Alcméon agent routes Ana's message to the "Salesforce agents" team
    When a Salesforce agent links Ana's conversation record to the <kind> "Ana Silva"
    Then Ana is matched to the <kind> "Ana Silva" in Alcméon

    Examples: Contacts, and person accounts when the org uses them
      | topology    | org    | account         | kind           |
      | one-to-one  | main   | Brand WhatsApp  | Contact        |
      | many-to-one | shared | Marque WhatsApp | person account |

  @UPD-02 @TOPO-06
  Scenario: Assigning the record to a queue mapped to an Alcméon team moves the conversation to that team
    Given the "wf-mixed" topology is running
    And Marc writes "My parcel is damaged" on "Brand Facebook page"
    And Marc's conversation is synced to the "service" org
    When a Salesforce agent assigns Marc's conversation record to the "Escalations" queue
    Then Marc's conversation is in the "Escalations" team in Alcméon

  @UPD-02
  Scenario: A record assigned to a queue mapped to no team stays where it is in Alcméon
    Given the "wf-mixed" topology is running
    And Marc writes "My parcel is damaged" on "Brand Facebook page"
    And Marc's conversation is synced to the "service" org
    When a Salesforce agent assigns Marc's conversation record to an unmapped queue
    Then Marc's conversation is in the "Salesforce agents" team in Alcméon

  @SYNC-06 @UPD-02
  Scenario: Closing the record in Salesforce closes the conversation in Alcméon
    Given the "one-to-one" topology is running
    And Léa writes "Bonjour" on "Brand WhatsApp"
    And an Alcméon agent routes Léa's message to the "Salesforce agents" team
    When a Salesforce agent closes Léa's conversation record
    Then Léa's conversation is closed in Alcméon
