/*
 * lambdahat.h — the whole native contract between lambdahat and libtorch.
 *
 * Rules every entry point follows:
 *  - Handles are opaque. A tensor handle owns one reference to a libtorch tensor and is released
 *    with lh_tensor_free exactly once.
 *  - No C++ exception ever leaves this library. On failure a function returns its documented
 *    sentinel (NULL handle, negative status) and stores a message in thread-local storage;
 *    the caller reads it with lh_last_error and clears it with lh_clear_error. While an unread
 *    message is pending, later failures on the same thread do not overwrite it.
 *  - Status codes: 0 ok, -1 failed (message pending).
 *
 * The source builds against libtorch 2.x (a PyTorch 2.x installation's, or a LibTorch download), on CPU or CUDA.
 */
#ifndef LAMBDAHAT_H
#define LAMBDAHAT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lh_tensor_s* lh_tensor;
typedef struct lh_generator_s* lh_generator;
typedef struct lh_op_s* lh_op;
typedef struct lh_module_s* lh_module;

/* dtype codes (libtorch's c10::ScalarType numbering) */
#define LH_UINT8 0
#define LH_INT8 1
#define LH_INT16 2
#define LH_INT32 3
#define LH_INT64 4
#define LH_FLOAT16 5
#define LH_FLOAT32 6
#define LH_FLOAT64 7
#define LH_BOOL 11
#define LH_BFLOAT16 15

/* device type codes (c10::DeviceType numbering) */
#define LH_CPU 0
#define LH_CUDA 1

/* argument / result tags of the boxed operator call */
#define LH_ARG_NONE 0
#define LH_ARG_TENSOR 1
#define LH_ARG_INT 2
#define LH_ARG_DOUBLE 3
#define LH_ARG_BOOL 4
#define LH_ARG_INT_LIST 5
#define LH_ARG_TENSOR_LIST 6
#define LH_ARG_STRING 7
#define LH_ARG_DOUBLE_LIST 8
#define LH_ARG_DEVICE 9
#define LH_ARG_GENERATOR 10

/* what a TorchScript module's per-chain loss is (lh_module_chain_loss) */
#define LH_LOSS_CROSS_ENTROPY 0
#define LH_LOSS_MSE 1
#define LH_LOSS_MODULE 2

/* the two kinds of a module's tensors */
#define LH_MODULE_PARAMETERS 0
#define LH_MODULE_BUFFERS 1

/* ---- errors ---- */
const char* lh_last_error(void);
void lh_clear_error(void);

/* ---- library ---- */
const char* lh_version(void);
/* libtorch's build configuration (at::show_config(): compiler, BLAS, CPU capability); NULL on error. */
const char* lh_torch_config(void);
/* The file of the libtorch library the loader chose; "" when it cannot be told. */
const char* lh_torch_library_path(void);
int32_t lh_get_num_threads(void);
int32_t lh_set_num_threads(int32_t n);
int32_t lh_cuda_is_available(void);
int32_t lh_cuda_device_count(void);
int32_t lh_cuda_synchronize(int32_t device_index);
int32_t lh_manual_seed(uint64_t seed);
int64_t lh_live_tensors(void);

/* ---- generators ---- */
lh_generator lh_generator_new(int32_t device_type, int32_t device_index, uint64_t seed);
int32_t lh_generator_set_seed(lh_generator g, uint64_t seed);
int32_t lh_generator_free(lh_generator g);

/* ---- tensor lifecycle and metadata ---- */
int32_t lh_tensor_free(lh_tensor t);
lh_tensor lh_tensor_shallow_clone(lh_tensor t);
int32_t lh_tensor_dim(lh_tensor t);
int32_t lh_tensor_sizes(lh_tensor t, int64_t* out, int32_t capacity);
int32_t lh_tensor_strides(lh_tensor t, int64_t* out, int32_t capacity);
int64_t lh_tensor_numel(lh_tensor t);
int32_t lh_tensor_dtype(lh_tensor t);
int32_t lh_tensor_device(lh_tensor t, int32_t* type, int32_t* index);
int32_t lh_tensor_is_contiguous(lh_tensor t);
void* lh_tensor_data_ptr(lh_tensor t);

/* A CPU tensor over caller-owned memory (zero copy); the memory must outlive every use. */
lh_tensor lh_tensor_from_blob(void* data, const int64_t* sizes, int32_t ndim, int32_t dtype);
/* A new tensor holding a copy of host data, placed on the given device. */
lh_tensor lh_tensor_from_data(const void* data, const int64_t* sizes, int32_t ndim, int32_t dtype,
                              int32_t device_type, int32_t device_index);
/* Copies the tensor's elements (row-major) into host memory of exactly nbytes bytes. */
int32_t lh_tensor_copy_to_host(lh_tensor t, void* dst, int64_t nbytes);
int32_t lh_tensor_item_double(lh_tensor t, double* out);
int32_t lh_tensor_item_int64(lh_tensor t, int64_t* out);

/* ---- autograd ---- */
int32_t lh_tensor_set_requires_grad(lh_tensor t, int32_t flag);
int32_t lh_tensor_requires_grad(lh_tensor t);
int32_t lh_tensor_backward(lh_tensor t, lh_tensor grad_output, int32_t retain_graph);
/* *out receives a new handle to the gradient, or NULL when none has been computed yet. */
int32_t lh_tensor_grad(lh_tensor t, lh_tensor* out);
int32_t lh_tensor_zero_grad(lh_tensor t);
lh_tensor lh_tensor_detach(lh_tensor t);
/* Sets grad mode for this thread and returns the previous mode (1 on, 0 off). */
int32_t lh_grad_mode_set(int32_t enabled);
int32_t lh_grad_mode_enabled(void);

/* ---- creation ---- */
lh_tensor lh_empty(const int64_t* sizes, int32_t ndim, int32_t dtype, int32_t device_type, int32_t device_index);
lh_tensor lh_full(const int64_t* sizes, int32_t ndim, double value, int32_t dtype, int32_t device_type, int32_t device_index);
lh_tensor lh_randn(const int64_t* sizes, int32_t ndim, int32_t dtype, int32_t device_type, int32_t device_index, lh_generator g);
lh_tensor lh_rand(const int64_t* sizes, int32_t ndim, int32_t dtype, int32_t device_type, int32_t device_index, lh_generator g);
lh_tensor lh_randint(int64_t low, int64_t high, const int64_t* sizes, int32_t ndim, int32_t device_type, int32_t device_index, lh_generator g);
lh_tensor lh_to(lh_tensor t, int32_t dtype, int32_t device_type, int32_t device_index);

/* ---- typed fast paths (hot in training and sampling) ---- */
lh_tensor lh_add(lh_tensor a, lh_tensor b, double alpha);
lh_tensor lh_sub(lh_tensor a, lh_tensor b, double alpha);
lh_tensor lh_mul(lh_tensor a, lh_tensor b);
lh_tensor lh_div(lh_tensor a, lh_tensor b);
lh_tensor lh_add_scalar(lh_tensor a, double s);
lh_tensor lh_mul_scalar(lh_tensor a, double s);
lh_tensor lh_matmul(lh_tensor a, lh_tensor b);
lh_tensor lh_bmm(lh_tensor a, lh_tensor b);
lh_tensor lh_baddbmm(lh_tensor input, lh_tensor a, lh_tensor b, double beta, double alpha);
lh_tensor lh_sum(lh_tensor a, const int64_t* dims, int32_t ndims, int32_t keepdim);
lh_tensor lh_mean(lh_tensor a, const int64_t* dims, int32_t ndims, int32_t keepdim);
lh_tensor lh_reshape(lh_tensor a, const int64_t* sizes, int32_t ndim);
lh_tensor lh_narrow(lh_tensor a, int64_t dim, int64_t start, int64_t length);
lh_tensor lh_select(lh_tensor a, int64_t dim, int64_t index);
lh_tensor lh_index_select(lh_tensor a, int64_t dim, lh_tensor index);
int32_t lh_add_(lh_tensor self, lh_tensor other, double alpha);
int32_t lh_mul_(lh_tensor self, lh_tensor other);
int32_t lh_mul_scalar_(lh_tensor self, double s);
int32_t lh_copy_(lh_tensor self, lh_tensor src);
int32_t lh_zero_(lh_tensor self);

/* ---- boxed operator call: any of libtorch's operators by schema name ---- */
/* Finds an operator once (e.g. "aten::softmax", overload "int"); the handle lives as long as the process. */
lh_op lh_op_find(const char* name, const char* overload);
/* Calls it. Argument i is (tags[i], values[i], ptrs[i]): a tensor handle in ptrs; an int or bool in values;
 * a double's IEEE bits in values; a list as ptrs (array) with values its length; a string in ptrs; a device as
 * values = type * 65536 + index. Missing trailing arguments take the schema's defaults. Results are written as
 * (out_tags, out_values, out_ptrs) the same way, new tensor handles in out_ptrs; a tensor list result expands
 * into consecutive tensor results. Returns the number of results, or -1. */
int32_t lh_op_call(lh_op op, int32_t nargs, const int32_t* tags, const int64_t* values, void* const* ptrs,
                   int32_t max_results, int32_t* out_tags, int64_t* out_values, void** out_ptrs);
/* The operator's schema as text (for error messages and discovery); NULL on error. */
const char* lh_op_schema(lh_op op);

/* ---- TorchScript modules (torch::jit::load) ---- */
/* Loads a module saved by torch.jit.save onto the device and puts it in eval mode. The file must stay unchanged only
 * while this call runs. Not thread-safe: a module is used by one thread at a time. */
lh_module lh_module_load(const char* path, int32_t device_type, int32_t device_index);
/* A deep copy of a module (its own parameters and buffers, its current values), for use on another thread: each
 * thread binds chains into the attributes of a module of its own. */
lh_module lh_module_clone(lh_module m);
int32_t lh_module_free(lh_module m);
/* Parameters (kind LH_MODULE_PARAMETERS) or buffers (LH_MODULE_BUFFERS), recursively, named as in state_dict(). */
int32_t lh_module_count(lh_module m, int32_t kind);
/* Name of tensor i of a kind; valid while the module lives. NULL on error. */
const char* lh_module_name(lh_module m, int32_t kind, int32_t i);
/* A new handle to tensor i's current value (detached). */
lh_tensor lh_module_get(lh_module m, int32_t kind, int32_t i);
/* Replaces tensor i's value (same shape, dtype and device as the module's; detached and stored). */
int32_t lh_module_set(lh_module m, int32_t kind, int32_t i, lh_tensor value);
/* Each chain's loss, [C]. views[i] is parameter i (in lh_module_name order) with a leading chain axis [C, ...]; x and
 * y are [C, B, ...]. For chain c the module's parameters are bound to views[i][c] (views, no copies, so gradients
 * reach whatever the views belong to), then forward(x[c]) is scored against y[c] (LH_LOSS_CROSS_ENTROPY over the last
 * axis with integer targets, LH_LOSS_MSE), or forward(x[c], y[c]) is the loss (LH_LOSS_MODULE). The module's own
 * values are bound again afterwards. */
lh_tensor lh_module_chain_loss(lh_module m, const lh_tensor* views, int32_t nviews, lh_tensor x, lh_tensor y,
                               int32_t loss_kind);
/* Each chain's outputs forward(x[c]) with the same binding, stacked: [C, B, ...]. */
lh_tensor lh_module_chain_outputs(lh_module m, const lh_tensor* views, int32_t nviews, lh_tensor x);
/* The same two with all C chains in one forward: the module runs once under libtorch's functorch batching (vmap over
 * the chain axis of the views, x and y); gradients reach the views as above. Fails (NULL, message pending) where the
 * module needs an operator without a batching rule, or does what vmap cannot (data-dependent control flow, random
 * ops): the caller then takes the per-chain calls. */
lh_tensor lh_module_vmap_loss(lh_module m, const lh_tensor* views, int32_t nviews, lh_tensor x, lh_tensor y,
                              int32_t loss_kind);
lh_tensor lh_module_vmap_outputs(lh_module m, const lh_tensor* views, int32_t nviews, lh_tensor x);

#ifdef __cplusplus
}
#endif

#endif /* LAMBDAHAT_H */
