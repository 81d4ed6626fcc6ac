"""The CamHub demo: a real Home Assistant with CamHub and the simulator, set up in one command.

`scripts/demo` runs `python -m demo`. The modules:

- `config`: the Home Assistant configuration folder under `.demo/` (configuration.yaml, the
  CamHub symlink, onboarding state);
- `flow`: drives a config flow over the REST API, filling each form from a device's JSON line;
- `hass`: the small REST / WebSocket client the demo needs (onboarding, tokens, flows, states);
- `procs`: the simulator and Home Assistant as child processes that never outlive the demo;
- `dashboard`: the *CamHub demo* dashboard (live camera tiles, a tab per device), made the
  default page;
- `screenshot`: `python -m demo.screenshot` logs in to a running demo with headless Chromium
  and saves a PNG of a page (a check of what a person sees);
- `cli`: the demo's options, and the simulator's arguments (one device of every family);
- `state`: what `.demo/state.json` keeps between runs (the token, the entries per device);
- `cameras`: waits, bounded, until each CamHub camera serves a JPEG;
- `summary`: the text printed when the demo is ready (URL, login, each entry's cameras);
- `runner`: the sequence that ties them together, supervision of the children, signals;
- `__main__`: the entry point of `python -m demo` (re-exports the names above).
"""
