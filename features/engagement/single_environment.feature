Feature: Engagement needs an org connected to a single Alcméon environment
  As an administrator of an org fed by two Alcméon environments, I know the widget cannot tell which
  environment should send an engagement, so it refuses.

  @ENG-01 @TOPO-04
  Scenario: An org connected to two environments cannot engage
    Given the "many-to-many" topology is running
    And the Salesforce agent of the "service" org has the "Alcmeon_Agent" permission set
    And Emma gives consent to be contacted on "EU WhatsApp"
    And a Salesforce agent opens a Case for Emma with a WhatsApp engagement from "EU WhatsApp" using the "order_ready" template in the "service" org
    When the agent sends the engagement from the widget
    Then the send is refused with "multiple-environments"
