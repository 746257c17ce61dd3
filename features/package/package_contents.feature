Feature: What the managed package puts in a Salesforce org
  As a Salesforce administrator, before installing Alcméon for Salesforce I want to see exactly which
  objects and fields it adds to my org, from which package version, and that it creates no record of
  its own.

  @PKG-01
  Scenario: The conversation object identifies each conversation by its scoped id
    Given the "one-to-one" topology is running
    Then the "main" org has the object "alcmeon__Conversation__c" with the fields "alcmeon__scoped_id__c, alcmeon__Status__c, alcmeon__Contact__c, alcmeon__Account__c, alcmeon__Case__c, alcmeon__To_SF_Queue_Id__c, alcmeon__From_SF_Queue_Id__c, alcmeon__url__c, alcmeon__User_name__c, alcmeon__Social_media_type__c, alcmeon__Social_media_account__c"
    And in the "main" org "alcmeon__scoped_id__c" is a required, unique external id of at most 30 characters
    And the "main" org refuses a second conversation record with the same scoped id

  @PKG-02 @V360-02
  Scenario: A Contact links the person to their conversations and lists them
    Given the "one-to-one" topology is running
    And a Contact "Paul Durand" with e-mail "paul.durand@example.com" in the "main" org
    Then the "main" org has the object "Contact" with the fields "alcmeon__Alcmeon_User_Id__c"
    And the Contact object of the "main" org has the related list "alcmeon__Conversations__r"
    When Paul writes "Hello" on "Brand Facebook page"
    And an Alcméon agent routes Paul's message to the "Salesforce agents" team
    And a Salesforce agent links Paul's conversation record to the Contact "Paul Durand"
    Then the Contact "Paul Durand" lists 1 conversation in its related list

  @PKG-03
  Scenario: The engagement object carries what an individual message needs
    Given the "one-to-one" topology is running
    Then the "main" org has the object "alcmeon__Engagement__c" with the fields "alcmeon__Case__c, alcmeon__Conversation__c, alcmeon__Language_locale__c, alcmeon__Message_Content__c, alcmeon__Message_Send_Error__c, alcmeon__Sender_Id__c, alcmeon__Recipient_Id__c, alcmeon__Channel__c, alcmeon__Template_Id__c, alcmeon__Status__c, alcmeon__Sent_Date__c"

  @PKG-04
  Scenario Outline: An org only knows the fields of the package version it installed
    Given an org with the package at version "<version>"
    Then its conversation object <has> the field "<field>"
    And writing "<field>" on a conversation record is <outcome>

    Examples:
      | version | field                                   | has          | outcome  |
      | 1.0     | alcmeon__Conversation_type__c           | does not have | refused  |
      | 5.3     | alcmeon__Conversation_type__c           | has          | accepted |
      | 5.3     | alcmeon__Channel_specific_user_data__c  | does not have | refused  |
      | 5.31    | alcmeon__Channel_specific_user_data__c  | has          | accepted |

  @PKG-04
  Scenario Outline: The engagement object arrives with version 5.34
    Given an org with the package at version "<version>"
    Then the org <has> the engagement object

    Examples:
      | version | has           |
      | 5.31    | does not have |
      | 5.34    | has           |

  @PKG-05
  Scenario: Syncing conversations creates no Case unless the customer's automation does
    Given the "one-to-one" topology is running
    When Léa writes "Bonjour" on "Brand WhatsApp"
    And an Alcméon agent routes Léa's message to the "Salesforce agents" team
    Then Léa's conversation is synced to the "main" org
    And the "main" org has no Case

  @PKG-05 @WF-02
  Scenario: A topology that switches on the Case-per-conversation automation gets a Case per conversation
    Given the "wf-all-in-salesforce" topology is running
    When Léa writes "Bonjour" on "Brand WhatsApp"
    Then Léa's conversation arrives as a Case in the "Social_Cases" queue
