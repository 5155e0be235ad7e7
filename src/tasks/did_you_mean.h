// The tasks layer's name hints are the shared ones in core.
#pragma once

#include "core/did_you_mean.h"

namespace biomedq::tasks {

using biomedq::closest_match;
using biomedq::did_you_mean;
using biomedq::edit_distance;
using biomedq::join_names;

}  // namespace biomedq::tasks
