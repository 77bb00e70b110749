#!/usr/bin/env bash
# The run step of the composite GitHub Action in ../action.yml. It reads what GitHub sets:
#   GITHUB_WORKSPACE     the checked-out repository (plumb runs there, so SARIF paths are
#                        relative to it, as code scanning expects)
#   GITHUB_OUTPUT        file of `name=value` step outputs
#   GITHUB_STEP_SUMMARY  file whose Markdown appears on the run's summary page
#   INPUT_PATHS INPUT_CONFIG INPUT_BASELINE INPUT_FAIL_ON INPUT_OUTPUT_FORMAT INPUT_OUTPUT_FILE
#   INPUT_SUMMARY INPUT_ARGS   the action's inputs (action.yml passes them: composite actions
#                        get no INPUT_* variables of their own)
# and `plumb` on PATH. Writes the report, the outputs and the summary, then exits with the
# check's exit code (0 clean, 1 gate failed, 2 error), so the step fails only after everything
# a later step (upload-sarif) needs is in place.
set -uo pipefail

cd "${GITHUB_WORKSPACE:?GITHUB_WORKSPACE is not set}" || exit 2

format=${INPUT_OUTPUT_FORMAT:-sarif}
report=${INPUT_OUTPUT_FILE:-}
if [[ -z $report ]]; then
  case $format in
    sarif) report=plumb.sarif ;;
    json | gitlab) report=plumb.json ;;
    junit) report=plumb.xml ;;
    markdown) report=plumb.md ;;
    *) report=plumb.txt ;;
  esac
fi

# Options shared by the report run and the summary run. Paths and extra arguments are split on
# whitespace (one per line or space-separated), as other actions' list inputs are.
shared=()
[[ -n ${INPUT_CONFIG:-} ]] && shared+=(--config "$INPUT_CONFIG")
[[ -n ${INPUT_BASELINE:-} ]] && shared+=(--baseline "$INPUT_BASELINE")
[[ -n ${INPUT_FAIL_ON:-} ]] && shared+=(--fail-on "$INPUT_FAIL_ON")
read -r -d '' -a extra <<<"${INPUT_ARGS:-}"
read -r -d '' -a paths <<<"${INPUT_PATHS:-.}"
((${#paths[@]})) || paths=(.)
shared+=("${extra[@]}")

echo "plumb $(plumb --version 2>/dev/null | cut -d' ' -f2)"
echo "+ plumb check ${shared[*]:+${shared[*]} }--output-format $format --output-file $report ${paths[*]}"
plumb check "${shared[@]}" --output-format "$format" --output-file "$report" "${paths[@]}"
status=$?

if [[ -n ${GITHUB_OUTPUT:-} ]]; then
  {
    echo "exit-code=$status"
    if [[ -f $report ]]; then
      echo "report-file=$report"
      [[ $format == sarif ]] && echo "sarif-file=$report"
    fi
  } >>"$GITHUB_OUTPUT"
fi

# The step summary: a second run in the markdown format (the facts cache makes it cheap). Its
# own failure is reported but does not change the step's result: that is the check's.
if [[ ${INPUT_SUMMARY:-true} == true && -n ${GITHUB_STEP_SUMMARY:-} && $status -ne 2 ]]; then
  summary=$(plumb check "${shared[@]}" --output-format markdown "${paths[@]}")
  summary_status=$?
  if ((summary_status == 2)); then
    echo "::warning title=plumb::could not write the step summary (plumb exited 2)"
  else
    printf '%s\n' "$summary" >>"$GITHUB_STEP_SUMMARY"
  fi
fi

case $status in
  0) echo "plumb: passed" ;;
  1) echo "::error title=plumb::the check failed: see the report ($report) and the step summary" ;;
  *) echo "::error title=plumb::plumb could not run the check (exit $status)" ;;
esac
exit "$status"
