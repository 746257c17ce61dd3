Feature: Matching a social user to a Contact from the Alcméon inbox
  As an Alcméon agent, the cloud next to a customer's name tells me whether Salesforce knows them; I
  search Salesforce, bind the right Contact, or create one when nobody fits.

  Background:
    Given the "one-to-one" topology is running
    And a Contact "Léa Martin" with e-mail "lea.martin@example.com" in the "main" org
    And a Contact "Léo Martin" with e-mail "leo.martin@example.com" in the "main" org
    And Léa writes "Bonjour" on "Brand WhatsApp"

  @MATCH-03
  Scenario: An unmatched customer shows a grey cloud and a search lists candidate Contacts
    When an Alcméon agent opens Léa's profile
    Then the profile shows a grey cloud
    When an Alcméon agent searches Salesforce for "lea.martin@example.com" from Léa's profile
    Then the candidates are "Léa Martin"
    And the candidates are searched by Email, MobilePhone, Phone and shown with Name, Email, Phone

  @MATCH-04 @MATCH-02
  Scenario: Binding a candidate turns the cloud blue and shows the Contact's profile
    Given an Alcméon agent searches Salesforce for "lea.martin@example.com" from Léa's profile
    When an Alcméon agent binds the candidate "Léa Martin" to Léa
    And an Alcméon agent opens Léa's profile
    Then the profile shows a blue cloud
    And the profile shows "Léa Martin" as Name
    And the profile shows "lea.martin@example.com" as Email
    And the profile shows "Lyon" as MailingCity
    And Léa is matched to the Contact "Léa Martin" in Alcméon

  @MATCH-05
  Scenario: When no Contact fits, the agent creates one from Alcméon and the customer is linked to it
    Given an Alcméon agent searches Salesforce for "zoe@example.com" from Léa's profile
    And the candidates are ""
    When an Alcméon agent creates the Contact "Zoé Bernard" with e-mail "zoe@example.com" for Léa
    Then the Contact "Zoé Bernard" exists in the "main" org
    And Léa is matched to the Contact "Zoé Bernard" in Alcméon
    When an Alcméon agent replies "Merci Zoé" to Léa
    Then Léa's conversation record links the Contact "Zoé Bernard"
