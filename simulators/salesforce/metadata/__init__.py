"""Declarative metadata of the fake org and the script that generates its standard part."""
