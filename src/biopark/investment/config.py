"""Settings of the investment pipeline (env prefix BIOPARK_INVESTMENT_)."""

from __future__ import annotations

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class InvestmentSettings(BaseSettings):
    """First-contact SLA, the public form's limits and the retention of unconverted leads."""

    model_config = SettingsConfigDict(env_prefix="BIOPARK_INVESTMENT_", extra="ignore")

    first_contact_hours: float = 4.0
    # One phone number: a few submissions per Beijing day; more are refused with a clear message.
    consult_phone_limit: int = 3
    # One address: a ceiling a fair's shared Wi-Fi can live with; posts above it are kept but
    # flagged for an officer to check, never dropped.
    consult_address_limit: int = 300
    consult_address_window_minutes: int = 60
    # Leads never converted to a project are anonymised after this many days (PIPL).
    lead_retention_days: int = 365
    public_base_url: str = "http://127.0.0.1:8000"


@lru_cache
def get_investment_settings() -> InvestmentSettings:
    """The process-wide investment settings (read once)."""
    return InvestmentSettings()
