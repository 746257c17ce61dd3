"""A fake Salesforce org with the Alcméon package installed, served over HTTPS."""
