Feature: Answering social conversations from Salesforce with the conversation widget
  As a Salesforce agent, I read and answer a customer's social conversation without leaving Salesforce,
  on the conversation record or on the Case, in my own language and time zone.

  @WIDGET-01 @WIDGET-04
  Scenario: An agent answers from the widget on the conversation record
    Given the "one-to-one" topology is running
    And the Salesforce agent of the "main" org has the "Alcmeon_Agent" permission set
    And Léa writes "Bonjour, où est mon colis ?" on "Brand WhatsApp"
    And an Alcméon agent routes Léa's message to the "Salesforce agents" team
    When the Salesforce agent opens Léa's conversation record in the widget
    Then the widget shows Léa's conversation on "whatsapp"
    When the Salesforce agent answers "Il arrive demain" from the widget on Léa's conversation record
    Then the widget accepted the answer
    And Léa receives "Il arrive demain" on the channel
    And Alcméon has an agent for the Salesforce agent of the "main" org with "read-answer" rights

  @WIDGET-02 @WF-02
  Scenario: The same widget works on the Case record page
    Given the "wf-all-in-salesforce" topology is running
    And the Salesforce agent of the "service" org has the "Alcmeon_Agent" permission set
    And Marc writes "Mon colis est arrivé abîmé" on "Brand Facebook page"
    When the Salesforce agent opens Marc's Case in the widget
    Then the widget shows Marc's conversation on "facebook"
    When the Salesforce agent answers "Nous vous envoyons un nouveau colis" from the widget on Marc's Case
    Then Marc receives "Nous vous envoyons un nouveau colis" on the channel

  @WIDGET-03
  Scenario Outline: The widget follows the agent's language and time zone
    Given the "one-to-one" topology is running
    And the Salesforce agent of the "main" org works in "<language>" in the "<zone>" time zone
    And Léa writes "Hello" on "Brand WhatsApp"
    And an Alcméon agent routes Léa's message to the "Salesforce agents" team
    When the Salesforce agent opens Léa's conversation record in the widget
    Then the widget opens in "<tag>" in the "<zone>" time zone

    Examples:
      | language | tag   | zone         |
      | fr       | fr    | Europe/Paris |
      | ko       | ko    | Asia/Seoul   |
      | en_US    | en-US | GMT          |

  @WIDGET-04
  Scenario Outline: The agent's Alcméon rights follow their Salesforce permissions
    Given the "one-to-one" topology is running
    And the Salesforce agent of the "main" org has no Alcméon permission set
    And the Salesforce agent of the "main" org has the "<permission set>" permission set
    And Léa writes "Hello" on "Brand WhatsApp"
    And an Alcméon agent routes Léa's message to the "Salesforce agents" team
    When the Salesforce agent answers "Hello Léa" from the widget on Léa's conversation record
    Then the widget accepted the answer
    And Alcméon has an agent for the Salesforce agent of the "main" org with "<rights>" rights

    Examples:
      | permission set | rights               |
      | Alcmeon_Agent  | read-answer          |
      | Alcmeon_Admin  | read-answer-moderate |

  @WIDGET-04
  Scenario: An agent without an Alcméon permission can read but not answer
    Given the "one-to-one" topology is running
    And the Salesforce agent of the "main" org has no Alcméon permission set
    And Léa writes "Hello" on "Brand WhatsApp"
    And an Alcméon agent routes Léa's message to the "Salesforce agents" team
    When the Salesforce agent answers "Hello Léa" from the widget on Léa's conversation record
    Then the widget refuses with "insufficient-permissions"
    And Alcméon has no agent for the Salesforce agent of the "main" org

  @WIDGET-05 @SYNC-06
  Scenario: Closing from the widget sends the last reply and closes the conversation in one step
    Given the "one-to-one" topology is running
    And the Salesforce agent of the "main" org has the "Alcmeon_Agent" permission set
    And Léa writes "Merci beaucoup" on "Brand WhatsApp"
    And an Alcméon agent routes Léa's message to the "Salesforce agents" team
    When the Salesforce agent closes the conversation with "Avec plaisir, bonne journée" from the widget on Léa's conversation record
    Then the widget accepted the answer
    And Léa receives "Avec plaisir, bonne journée" on the channel
    And Léa's conversation is closed in Alcméon
    And Léa's conversation record is "CLOSED"
