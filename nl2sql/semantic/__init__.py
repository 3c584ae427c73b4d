"""The semantic layer: a database's business model (metrics, dimensions, time, filters, relationships,
synonyms), the small query a question fills against it, and the compiler from that query to SQL."""
