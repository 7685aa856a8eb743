"""巴巴实 金融服务: financial products, financing needs, referrals and outcomes."""
