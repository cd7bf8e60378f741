// Start the NHS.UK frontend components (header menu, error summary focus, skip link).
import { initAll } from "../vendor/nhsuk/nhsuk-frontend.min.js";

document.body.classList.add("js-enabled", "nhsuk-frontend-supported");
initAll();
