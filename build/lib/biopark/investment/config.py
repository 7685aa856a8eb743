"""Settings of the investment pipeline (env prefix BIOPARK_INVESTMENT_)."""

from __future__ import annotations

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class InvestmentSettings(BaseSettings):
    """First-contact SLA and the public form's rate limit."""

    model_config = SettingsConfigDict(env_prefix="BIOPARK_INVESTMENT_", extra="ignore")

    first_contact_hours: float = 4.0
    consult_limit: int = 5
    consult_window_minutes: int = 60
    public_base_url: str = "http://127.0.0.1:8000"


@lru_cache
def get_investment_settings() -> InvestmentSettings:
    """The process-wide investment settings (read once)."""
    return InvestmentSettings()
