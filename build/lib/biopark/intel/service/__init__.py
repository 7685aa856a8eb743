"""Intelligence services: ingest, documents, search, briefs, review, figures for other domains."""

from biopark.intel.service.briefs import build_brief
from biopark.intel.service.documents import facts_of, get_document, highlighted, list_documents
from biopark.intel.service.facts import companies_in_news, reported_figures
from biopark.intel.service.ingest import ingest_bytes, ingest_many, reextract
from biopark.intel.service.review import review_fact
from biopark.intel.service.search import index_documents, reindex, search

__all__ = [
    "build_brief",
    "companies_in_news",
    "facts_of",
    "get_document",
    "highlighted",
    "index_documents",
    "ingest_bytes",
    "ingest_many",
    "list_documents",
    "reextract",
    "reindex",
    "reported_figures",
    "review_fact",
    "search",
]
