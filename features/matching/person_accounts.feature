Feature: Person accounts stand in for Contacts when the org uses them
  As the administrator of an org in person-account mode, I want every match to point at the person
  account, and a conversation record never to carry both a Contact and an Account.

  @MATCH-06 @MATCH-04
  Scenario Outline: A bind from Alcméon links the record through the right lookup only
    Given the "<topology>" topology is running
    And a <kind> "Kim Minji" with e-mail "minji@example.com" in the "<org>" org
    And Kim writes "Hello" on "<account>"
    When an Alcméon agent matches Kim to the <kind> "Kim Minji"
    And an Alcméon agent routes Kim's message to the "Salesforce agents" team
    Then <check>

    Examples:
      | topology    | org    | account         | kind           | check                                                                      |
      | one-to-one  | main   | Brand WhatsApp  | Contact        | Kim's conversation record links the Contact "Kim Minji"                    |
      | many-to-one | shared | Marque WhatsApp | person account | Kim's conversation record links the person account "Kim Minji" and no Contact |

  @MATCH-06 @MATCH-05
  Scenario: Creating the customer from Alcméon in person-account mode creates a person account
    Given the "many-to-one" topology is running
    And Kim writes "Hello" on "Brand KakaoTalk"
    When an Alcméon agent creates the person account "Kim Jisoo" with e-mail "jisoo@example.com" for Kim
    Then the person account "Kim Jisoo" exists in the "shared" org
    And Kim is matched to the person account "Kim Jisoo" in Alcméon
