"""hashbank as a python-threatexchange extension (usable from the `threatexchange` CLI and HMA):

    threatexchange config extensions add member_portal.tx_extension
    echo hbk_... > ~/.tx_hashbank_token          # or export TX_HASHBANK_TOKEN=hbk_...
    threatexchange config collab edit hashbank my_bank --create \\
        --base-url https://bank.example --root-file ~/bank-root.note
    threatexchange fetch

docs/member-toolkit.md has the details.
"""

from threatexchange.extensions.manifest import ThreatExchangeExtensionManifest

from member_portal.tx_extension.api import HashbankSignalExchangeAPI

TX_MANIFEST = ThreatExchangeExtensionManifest(apis=(HashbankSignalExchangeAPI,))
