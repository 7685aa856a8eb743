"""Policy library (政策直达): structured eligibility rules and matching to enterprises."""
