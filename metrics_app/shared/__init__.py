"""What every page shares: session state, the sidebar, formatting, wording, common charts."""
