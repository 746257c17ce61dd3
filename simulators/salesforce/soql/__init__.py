"""The org's SOQL engine: grammar, checker against metadata, compiler to SQL, result shaping (SC 5)."""
