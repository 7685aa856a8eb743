"""巴巴实 人才科创: talent services, applications with SLA clocks, talent events."""
