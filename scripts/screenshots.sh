#!/usr/bin/env bash
# Refreshes docs/dashboard.png (the README's picture of the dashboard) and docs/portal-branding-*.png
# (docs/branding.md's) from the browser tests, which also leave every main screen under
# test-results/dashboard/ and test-results/branding/. Needs /usr/bin/chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build
HERALD_DOCS_SCREENSHOT=1 npx vitest run test/browser/dashboard.test.ts test/browser/branding.test.ts
echo "wrote docs/dashboard.png, docs/portal-branding-*.png and test-results/{dashboard,branding}/*.png"
