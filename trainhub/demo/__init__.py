"""Demo data drawn from the seed: World Standards Day 2021 and an upcoming cloud-classroom campaign."""
