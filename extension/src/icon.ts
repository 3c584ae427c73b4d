/** The panel's icon in the right sidebar: a speech bubble over a database. */
import { LabIcon } from '@jupyterlab/ui-components';

const SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <path d="M4 3h16a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2h-8l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm2 4v2h12V7H6zm0 4v2h8v-2H6z"/>
  </g>
</svg>`;

export const chatbiIcon = new LabIcon({
  name: 'chatbi-jupyterlab:icon',
  svgstr: SVG
});
