"""Static files storage: compressed, hashed names, and ES-module imports rewritten.

The live pages are native ES modules importing ./realtime.js; without rewriting, the
import would load an unhashed file that browsers may keep from an older deploy."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    support_js_module_import_aggregation = True
