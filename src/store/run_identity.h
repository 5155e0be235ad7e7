// What makes two stored runs the same run: the identity (configuration hash + model sha256) says
// which run it is; the content digest says whether a re-import brings anything new.
#pragma once

#include <string>

#include "biomedq/store.h"

namespace biomedq::store {

// sha256 (hex) of everything the store keeps for a run except where it was imported from and when:
// model, configuration, memory, speed, devices, and every task's results and samples (id, index,
// score, gold, parsed answer). A copy of a run directory gives the same digest; a resumed run with
// more samples, a rescore or another --model-name gives another.
std::string run_content_sha256(const StoredRun& run);

}  // namespace biomedq::store
