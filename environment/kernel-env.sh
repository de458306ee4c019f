# Source this file (`. environment/kernel-env.sh`) to make Jupyter find the TinyMem kernel, which
# setup-notebooks.sh installs under environment/jupyter/ rather than in ~/.local or /usr.
_tinymem_env="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export TINYMEM_HOME="$(dirname "$_tinymem_env")"
export JUPYTER_PATH="$_tinymem_env/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
unset _tinymem_env
