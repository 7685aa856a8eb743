"""Investment pipeline (招商一码通): QR consultation → lead → project → production."""
