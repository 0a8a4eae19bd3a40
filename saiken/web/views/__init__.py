"""The Japanese screens. Every view parses its input, queries, and renders; the
rules live in saiken.core and the changes in the apps' actions."""
