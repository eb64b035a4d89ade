import { createRoot } from 'react-dom/client';
import { App } from './App';
import { installPrivacyGuard } from './privacy-guard';
import './styles.css';

installPrivacyGuard({
  onBlocked: (url, how) => console.warn(`Bias Workbench kept this page on its own origin: a ${how} to ${url} was stopped.`),
});

createRoot(document.getElementById('root')!).render(<App />);
