# discover.cmake: write the per-strategy tests from the binary's own list.
# Run by the build after concbench is linked (see CMakeLists.txt):
#   cmake -DBIN=concbench -DOUT=plugin_tests.cmake -DTESTS=tests/ -P discover.cmake
execute_process(COMMAND ${BIN} list --names strategies
                OUTPUT_VARIABLE _names RESULT_VARIABLE _rc)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "${BIN} list --names strategies failed (${_rc})")
endif()
string(REPLACE "\n" ";" _names "${_names}")
set(_out "# written by discover.cmake from '${BIN} list': one test per suite and strategy\n")
foreach(s ${_names})
  if(s STREQUAL "")
    continue()
  endif()
  foreach(suite e2e faults interrupt limits)
    string(APPEND _out "add_test(${suite}_${s} bash ${TESTS}/${suite}.sh ${s})\n")
    # A bound, not a budget: e2e_procs under ThreadSanitizer took 200 s
    # on a host where a fork costs 7 ms, and 240 s with a core busy.
    set(_props "ENVIRONMENT CONCBENCH=${BIN} TIMEOUT 480")
    if(suite STREQUAL "interrupt")
      # Stop times are asserted: run alone.
      string(APPEND _props " RUN_SERIAL TRUE")
    endif()
    string(APPEND _out "set_tests_properties(${suite}_${s} PROPERTIES ${_props})\n")
  endforeach()
endforeach()
file(WRITE ${OUT}.tmp "${_out}")
file(RENAME ${OUT}.tmp ${OUT})
