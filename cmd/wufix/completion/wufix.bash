# bash completion for wufix. Load it with: source <(wufix completion bash)
# The candidates come from wufix itself (wufix __complete), so they follow
# the commands, flags and the catalog's targets of the wufix that runs.

_wufix() {
    local cur=${COMP_WORDS[COMP_CWORD]}
    local IFS=$'\n'
    # The words between the command name and the cursor, and the word under it.
    COMPREPLY=($("${COMP_WORDS[0]}" __complete "--word=$cur" "${COMP_WORDS[@]:1:COMP_CWORD-1}" 2>/dev/null))
}

# -o default: where wufix offers nothing (a folder or a file), bash
# completes file names.
complete -o default -F _wufix wufix
