Feature: Only linked accounts sync, and a failed push never stops the flow
  As an Alcméon administrator, I decide which social accounts feed which org, and I see and fix the
  conversations that could not be pushed.

  Background:
    Given the "one-to-one" topology is running

  @SYNC-09
  Scenario: A social account linked to no org never syncs
    Given Sam writes "Hey" on "Brand on X"
    When an Alcméon agent routes Sam's message to the "Salesforce agents" team
    Then Sam's conversation is not synced to any org

  @SYNC-09
  Scenario: A linked account syncs only while its switch is on
    Given the administrator turns off the sync switch of "Brand WhatsApp"
    And Léa writes "Bonjour" on "Brand WhatsApp"
    When an Alcméon agent routes Léa's message to the "Salesforce agents" team
    Then Léa's conversation is not synced to any org

  @SYNC-10
  Scenario: A failed push is an error pending that the administrator retries
    Given the "main" org refuses new conversation records
    And Léa writes "Bonjour" on "Brand WhatsApp"
    And an Alcméon agent routes Léa's message to the "Salesforce agents" team
    When time moves on until every notification is delivered
    Then Léa's message is marked "CRM_SYNCHRO_ERROR"
    And the "main" org shows 1 error pending
    When the "main" org accepts conversation records again
    And Hugo writes "Hello" on "Brand WhatsApp"
    And an Alcméon agent routes Hugo's message to the "Salesforce agents" team
    Then Hugo's conversation is synced to the "main" org
    When the administrator retries Léa's error
    Then Léa's conversation is synced to the "main" org
    And the "main" org shows 0 errors pending

  @SYNC-10
  Scenario: The administrator retries all errors of an org, or ignores one
    Given the "main" org refuses new conversation records
    And Léa writes "Bonjour" on "Brand WhatsApp"
    And an Alcméon agent routes Léa's message to the "Salesforce agents" team
    And Hugo writes "Hello" on "Brand WhatsApp"
    And an Alcméon agent routes Hugo's message to the "Salesforce agents" team
    And time moves on until every notification is delivered
    And the "main" org shows 2 errors pending
    And the "main" org accepts conversation records again
    When the administrator ignores Hugo's error
    And the administrator retries every error of the "main" org
    Then Léa's conversation is synced to the "main" org
    And Hugo's conversation is not synced to any org
    And the "main" org shows 0 errors pending
