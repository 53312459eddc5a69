# Optional CUDA kernels (native/cuda) with the signatures of the CPU core, compiled into the static
# library spatial_cuda and linked into spatial_core, which then defines SPATIAL_GEOM_HAVE_CUDA.
#   SPATIAL_GEOM_CUDA=ON    build them; fail when nvcc is missing
#   SPATIAL_GEOM_CUDA=AUTO  build them when nvcc is found (check_language), else CPU only
#   SPATIAL_GEOM_CUDA=OFF   CPU only
# Building needs nvcc only, no GPU: the CUDA runtime is linked statically, so the library loads on a
# machine without a driver, where cudaGetDeviceCount fails (error 35) and every op stays on the CPU.
string(TOUPPER "${SPATIAL_GEOM_CUDA}" _spatial_cuda_mode)
if(NOT _spatial_cuda_mode MATCHES "^(ON|OFF|AUTO)$")
  message(FATAL_ERROR "SPATIAL_GEOM_CUDA must be ON, OFF or AUTO (got '${SPATIAL_GEOM_CUDA}')")
endif()

set(SPATIAL_GEOM_CUDA_BUILT OFF)
if(NOT _spatial_cuda_mode STREQUAL "OFF")
  include(CheckLanguage)
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    set(SPATIAL_GEOM_CUDA_BUILT ON)
  elseif(_spatial_cuda_mode STREQUAL "ON")
    message(FATAL_ERROR "SPATIAL_GEOM_CUDA=ON but no CUDA compiler was found: put nvcc on PATH, set "
                        "CMAKE_CUDA_COMPILER or CUDACXX, or build with SPATIAL_GEOM_CUDA=AUTO/OFF")
  endif()
endif()

if(NOT SPATIAL_GEOM_CUDA_BUILT)
  if(_spatial_cuda_mode STREQUAL "AUTO")
    message(STATUS "spatial_geom: CUDA kernels not built (SPATIAL_GEOM_CUDA=AUTO, no working nvcc found; CPU core only)")
  else()
    message(STATUS "spatial_geom: CUDA kernels not built (SPATIAL_GEOM_CUDA=OFF; CPU core only)")
  endif()
  return()
endif()

# An explicit architecture list: `native` fails at configure time on a machine without a GPU.
# 80-real: SASS for sm_80 (A100), which sm_86/sm_89 also run; 90: SASS for sm_90 (H100/H200) plus
# compute_90 PTX that newer GPUs JIT-compile. Each extra architecture adds a full device compile.
if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES OR CMAKE_CUDA_ARCHITECTURES STREQUAL "")
  set(CMAKE_CUDA_ARCHITECTURES "80-real;90")
endif()
set(CMAKE_CUDA_STANDARD 17)
set(CMAKE_CUDA_STANDARD_REQUIRED ON)
set(CMAKE_CUDA_RUNTIME_LIBRARY Static)
enable_language(CUDA)
find_package(CUDAToolkit REQUIRED)
message(STATUS "spatial_geom: CUDA kernels built with nvcc ${CMAKE_CUDA_COMPILER_VERSION} for ${CMAKE_CUDA_ARCHITECTURES}")

file(GLOB SPATIAL_CUDA_SOURCES CONFIGURE_DEPENDS "${CMAKE_CURRENT_LIST_DIR}/*.cu")
add_library(spatial_cuda STATIC ${SPATIAL_CUDA_SOURCES})
target_include_directories(spatial_cuda PUBLIC "${CMAKE_CURRENT_LIST_DIR}/include")
target_include_directories(spatial_cuda PRIVATE "${CMAKE_CURRENT_SOURCE_DIR}/core/include")
# --fmad=false: no fused multiply-add, so the device rounds every operation like the CPU build
# (-ffp-contract=off) and projection/visibility agree bit for bit. No --use_fast_math (it would
# flush denormals and approximate division and sin/cos).
target_compile_options(spatial_cuda PRIVATE $<$<COMPILE_LANGUAGE:CUDA>:--fmad=false>)
target_link_libraries(spatial_cuda PUBLIC CUDA::cudart_static)

target_link_libraries(spatial_core PRIVATE spatial_cuda)
# PUBLIC: the core's tests and bench (and the addon) see the CUDA API next to the CPU one.
target_compile_definitions(spatial_core PUBLIC SPATIAL_GEOM_HAVE_CUDA)
target_include_directories(spatial_core PUBLIC "${CMAKE_CURRENT_LIST_DIR}/include")
