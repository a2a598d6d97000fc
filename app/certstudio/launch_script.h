// The scripted start-up steps of the command line (--run, --layer, --cursor): for screenshots and demos.
#pragma once

namespace cert::studio {

class MainWindow;
struct LaunchOptions;

/// After startUp(): moves the editor cursor, selects the layer, and starts a run once the
/// network has loaded, as `options` asks.
void applyLaunchScript(MainWindow& window, const LaunchOptions& options);

}  // namespace cert::studio
