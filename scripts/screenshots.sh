#!/usr/bin/env bash
# Refreshes docs/dashboard.png (the README's picture of the dashboard) from the browser test, which
# also leaves every main screen under test-results/dashboard/. Needs /usr/bin/chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build
HERALD_DOCS_SCREENSHOT=1 npx vitest run test/browser/dashboard.test.ts
echo "wrote docs/dashboard.png and test-results/dashboard/*.png"
