// Loading a model through llama.cpp with its failures turned into errors that name the file and
// carry llama.cpp's own reason. Used by the engine, the memory simulation and fidelity's chunk
// model.
#pragma once

#include <ggml-backend.h>
#include <llama.h>

#include <string>
#include <vector>

#include "biomedq/result.h"
#include "llama/handles.h"

namespace biomedq::llama {

// llama_backend_init, once per process. Thread-safe.
void init_backend();

// What every load does first: starts the recent log (llama/recent_log.h) with llama.cpp's text on
// stderr only when `verbose`, initializes the backend and clears the log, so the errors and buffer
// sizes recorded from here on belong to this load.
void prepare_load(bool verbose);

// Exists and starts with the GGUF magic: kNotFound / kParse naming the file otherwise.
Status check_model_file(const std::string& path);

// A device of llama.cpp's RPC backend (a remote server), whose memory is not this machine's.
bool is_rpc_device(ggml_backend_dev_t dev);

// Registers each rpc-server once per process (ggml's registry is global) and returns the device
// list for a model: the RPC devices named in `servers`, then the local GPUs. Without --rpc, RPC
// devices registered earlier are left out. Empty when ggml's default choice is right; otherwise
// null-terminated (llama_model_params.devices). Errors: kInvalidArgument/kBackend for an
// unreachable server, kUnsupported without the RPC backend. Thread-safe.
Result<std::vector<ggml_backend_dev_t>> model_devices(const std::vector<std::string>& servers);

// llama_model_load_from_file. Errors: "<path>: llama.cpp could not <verb> the model: <why>", with
// kUnsupported when llama.cpp does not know the architecture and kParse otherwise (`why`: the
// recent log's errors, so call prepare_load first).
Result<ModelPtr> load_model(const std::string& path, const llama_model_params& params,
                            const std::string& verb = "load");

}  // namespace biomedq::llama
